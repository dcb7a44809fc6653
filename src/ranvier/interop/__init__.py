"""Bring your own neuron: NMODL and NeuroML2 channels in, NeuroML2 and NWB out.

Each reader or writer imports its library (lark, libNeuroML, pynwb) only when called;
install them with ``pip install 'ranvier[interop]'``.
"""
