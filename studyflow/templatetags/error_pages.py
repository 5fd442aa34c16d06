"""The static files of the error pages, which must show when the static manifest cannot name them.

With DEBUG off `{% static %}` names a file by its hashed name from the manifest `collectstatic`
writes, and raises ValueError ("Missing staticfiles manifest entry for ...") when the manifest
lacks it or was never written. On an error page that error is raised while the server renders
its answer to another error: the visitor got the server's bare "Internal Server Error" instead of
the page saying what to do. (Inlining the style instead is not an option: the site's Content
Security Policy allows no inline style.)
"""

from __future__ import annotations

from urllib.parse import quote, urljoin

from django import template
from django.templatetags.static import PrefixNode, static

register = template.Library()


@register.simple_tag
def error_page_static(path: str) -> str:
    """The file's URL as `{% static %}` gives it, or, when the manifest cannot name it, its plain
    name: `collectstatic` copies every file under that name as well, so a manifest of another
    release still finds it styled, and with nothing collected the page shows unstyled."""
    try:
        return static(path)
    except ValueError:
        return urljoin(PrefixNode.handle_simple("STATIC_URL"), quote(path))
