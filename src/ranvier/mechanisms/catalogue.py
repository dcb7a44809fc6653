"""Every published mechanism ranvier ships, by name."""

from __future__ import annotations

from types import MappingProxyType

from ranvier.errors import check_name
from ranvier.mechanisms.channel import Channel
from ranvier.mechanisms.library.hh1952 import hh_k, hh_leak, hh_na
from ranvier.mechanisms.library.mammalian import MAMMALIAN
from ranvier.mechanisms.library.mcintyre2002 import mrg_ks_37, mrg_leak_node, mrg_naf_37, mrg_nap_37
from ranvier.mechanisms.library.passive import ion_leak, leak
from ranvier.mechanisms.library.pospischil2008 import tm_kd, tm_na
from ranvier.mechanisms.library.reuveni1993 import hva_ca

CATALOGUE: MappingProxyType = MappingProxyType(
    {c.name: c for c in (hh_na, hh_k, hh_leak, tm_na, tm_kd, hva_ca, leak(), *ion_leak(),
                            mrg_naf_37, mrg_nap_37, mrg_ks_37, mrg_leak_node, *MAMMALIAN)}
)


def get(name: str) -> Channel:
    """The catalogue channel called ``name`` (with a did-you-mean on a miss)."""
    check_name("mechanism", name, CATALOGUE)
    return CATALOGUE[name]
