from django import template

from clinic.staff.worklists import staff_worklists

register = template.Library()


@register.inclusion_tag("admin/_worklists.html", takes_context=True)
def worklists(context):
    return {"worklists": staff_worklists(context["request"].user)}
