"""User-facing text goes through ``_()`` so the interface can be translated (EN, FR, RO, HR, LV).

Catalogues are not written yet: gettext falls back to the English source text.
"""

import gettext

_translations = gettext.NullTranslations()


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count`` (languages such as HR and LV have more than two forms:
    the catalogues decide)."""
    return _translations.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogues without translating it: for texts defined at import time and
    translated with ``_()`` when shown."""
    return message
