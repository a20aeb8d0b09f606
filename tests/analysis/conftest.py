import pytest
from django.core.management import call_command

from lianzhao.analysis import engine


@pytest.fixture
def demo(db):
    """The Jimo demo in the test database (its regional base is the illustrative 示例 one)."""
    engine.clear_cache()
    call_command("demo", "load", verbosity=0)
    from lianzhao.core.models import Region

    return Region.objects.get(code="370215")


@pytest.fixture
def demo_users(demo, django_user_model):
    """The demo accounts under persona names, plus a user with no role."""
    users = {u.username: u for u in django_user_model.objects.all()}
    norole = django_user_model.objects.create(username="norole")
    return {"admin": users["admin"], "leader": users["leader"], "analyst": users["analyst"],
            "officer_a": users["officer"], "officer_b": users["officer2"], "norole": norole}
