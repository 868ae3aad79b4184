"""``{% load activation %}{% outsite_active as feature_on %}``: whether the activation
"Communicatieconnector accordering OutSite" is on for the logged-in user's environment,
so base.html hides the feature's menu items while it is off."""

from __future__ import annotations

from django import template

from portal import activation

register = template.Library()


@register.simple_tag(takes_context=True)
def outsite_active(context) -> bool:
    request = context.get("request")
    if request is None or not getattr(request.user, "is_authenticated", False):
        return False
    return activation.request_is_active(request)
