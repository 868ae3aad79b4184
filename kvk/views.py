"""View helpers both environments share: the accountant's portals (portal) and the client's
own environment (clientside), which may import nothing of each other."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST


def post_else(
    page: Callable[..., str], *, asks: Callable[..., bool] | None = None
) -> Callable[[Callable], Callable]:
    """For a view only a form posts to: a GET of its address redirects to the page the form
    lives on, ``page(request, *args, **kwargs)`` given the address's arguments (which may raise
    Http404 for what the request may not see), not a blank 405. A page a refused form gave
    back has that address, and a language switch, a reload or the browser's history open it
    again with a GET. Only a POST reaches the view.

    Where a first POST only asks "Weet u het zeker?" and needs nothing posted for it,
    ``asks(request, *args, **kwargs)`` says which GETs reach the view, to ask the question
    again (in the other language after the switch, whose ``next`` is this address). Such a
    view acts on a confirming POST only."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in ("GET", "HEAD"):
                if asks is not None and asks(request, *args, **kwargs):
                    return view(request, *args, **kwargs)
                return redirect(page(request, *args, **kwargs))
            return require_POST(view)(request, *args, **kwargs)

        return wrapped

    return decorator
