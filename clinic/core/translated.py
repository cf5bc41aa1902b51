"""The type of a string a person reads: plain, or marked for translation (gettext_lazy).

django-stubs names the lazy string StrPromise (in django_stubs_ext, installed for development only);
at run time it is Django's Promise.
"""

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise
else:
    from django.utils.functional import Promise as StrPromise

Text: TypeAlias = str | StrPromise

__all__ = ["StrPromise", "Text"]
