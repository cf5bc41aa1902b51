import pytest
from django.contrib.auth.models import Group

from clinic.core.roles import ROLE_PERMISSIONS

pytestmark = pytest.mark.django_db(transaction=True)


# A transactional test flushes every table afterwards; the groups must come back for the next
# one, flush after flush.
@pytest.mark.parametrize("run", range(3))
def test_staff_groups_survive_transactional_tests(run):
    groups = Group.objects.filter(name__in=ROLE_PERMISSIONS).prefetch_related("permissions")
    assert len(groups) == len(ROLE_PERMISSIONS)
    assert all(group.permissions.exists() for group in groups)
