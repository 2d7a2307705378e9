from django.utils.safestring import mark_safe
from django.utils.html import format_html

def badge(user):
    # ruleid: python-django-mark-safe-non-literal
    return mark_safe("<span>%s</span>" % user.name)

def badge_safe(user):
    # ok: python-django-mark-safe-non-literal
    return format_html("<span>{}</span>", user.name)

def icon():
    # ok: python-django-mark-safe-non-literal
    return mark_safe("<i class='icon'></i>")
