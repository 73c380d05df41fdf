"""factory_boy factories for the domain models."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from plans.models import Plan, Task
from progress.models import Report
from targets import kinds
from targets.models import Target
from zones.choices import RegionLevel, Role
from zones.models import Membership, Region, Unit, Zone


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-only")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"省{n}")
    level = RegionLevel.PROVINCE


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"市{n}")
    level = RegionLevel.CITY
    parent = factory.SubFactory(ProvinceFactory)


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    code = factory.Sequence(lambda n: f"zone-{n}")
    name = factory.Sequence(lambda n: f"测试开发区{n}")
    short_name = factory.Sequence(lambda n: f"测试区{n}")
    region = factory.SubFactory(CityFactory)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"经济发展局{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    zone = factory.SelfAttribute("unit.zone")
    role = Role.STAFF


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    zone = factory.SubFactory(ZoneFactory)
    title = factory.Sequence(lambda n: f"2014年工作要点{n}")
    start_year = 2014
    end_year = 2014


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: f"{n + 1}.")
    path = factory.Sequence(lambda n: f"{n + 1}")
    order = factory.Sequence(lambda n: n)
    heading = "强化引资带动作用"
    lead_unit = factory.SubFactory(UnitFactory, zone=factory.SelfAttribute("..plan.zone"))


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    task = factory.SubFactory(TaskFactory)
    indicator = "引进落地亿元以上项目"
    kind = kinds.AMOUNT.key
    unit = "个"
    value = Decimal("18")


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Report

    target = factory.SubFactory(TargetFactory)
    year = 2014
    month = 3
    value = Decimal("5")
