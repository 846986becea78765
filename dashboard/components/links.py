"""Links between pages, looked up in the page registry so that a page's path is written in one place."""

import re

import dash


def page_path(module_name: str) -> str:
    """The relative path of the page defined in ``dashboard/pages/<module_name>.py``."""
    for module, page in dash.page_registry.items():
        if module.rsplit(".", 1)[-1] == module_name:
            return page["relative_path"]
    raise KeyError(f"no page module named {module_name!r}")


def linked(sentence: str, **parts) -> list:
    """A translated whole sentence with components in it: ``linked(_("Set them on the {link}."),
    link=html.A(...))`` gives ["Set them on the ", <a>, "."], so translators move the link where their
    language puts it. Placeholders not in ``parts`` are left to ``str.format`` by the caller first."""
    pattern = re.compile("{(" + "|".join(map(re.escape, parts)) + ")}")
    children, position = [], 0
    for match in pattern.finditer(sentence):
        if match.start() > position:
            children.append(sentence[position : match.start()])
        children.append(parts[match.group(1)])
        position = match.end()
    if position < len(sentence):
        children.append(sentence[position:])
    return children
