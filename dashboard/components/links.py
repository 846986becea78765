"""Links between pages, looked up in the page registry so that a page's path is written in one place."""

import dash


def page_path(module_name: str) -> str:
    """The relative path of the page defined in ``dashboard/pages/<module_name>.py``."""
    for module, page in dash.page_registry.items():
        if module.rsplit(".", 1)[-1] == module_name:
            return page["relative_path"]
    raise KeyError(f"no page module named {module_name!r}")
