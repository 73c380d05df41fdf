"""Demo data: five development zones and their plans, as plain Python data (no Django imports)."""

from . import z000_xinxiang, z001_ningbo, z002_jiaozuo, z003_haimen, z004_zhengzhou

ZONES = [m.ZONE for m in (z000_xinxiang, z001_ningbo, z002_jiaozuo, z003_haimen, z004_zhengzhou)]
