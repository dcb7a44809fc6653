"""Mechanisms: channels declared as data, and the catalogue of published ones."""

from ranvier.mechanisms.catalogue import CATALOGUE, get
from ranvier.mechanisms.channel import ION_NAMES, Channel, Gate
from ranvier.mechanisms.forms import Constant, Exp, Linoid, Sigmoid
from ranvier.mechanisms.library.hh1952 import hh_k, hh_leak, hh_na
from ranvier.mechanisms.library.passive import ion_leak, leak
from ranvier.mechanisms.library.pospischil2008 import tm_kd, tm_na, traub_miles_kd, traub_miles_na

__all__ = [
    "CATALOGUE", "ION_NAMES", "Channel", "Constant", "Exp", "Gate", "Linoid", "Sigmoid", "get",
    "hh_k", "hh_leak", "hh_na", "ion_leak", "leak", "tm_kd", "tm_na", "traub_miles_kd", "traub_miles_na",
]
