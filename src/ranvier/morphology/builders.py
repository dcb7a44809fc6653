"""Ready-made shapes: a cable, a soma with dendrites and an axon, a binary tree."""

from __future__ import annotations

from ranvier.errors import check_int, check_positive
from ranvier.morphology.section import DEFAULT_CM_UF_CM2, DEFAULT_RA_OHM_CM, Section
from ranvier.morphology.tree import Morphology


def cable(
    length_um: float = 1000.0,
    diam_um: float = 1.0,
    *,
    name: str = "cable",
    nseg: int | None = None,
    Ra_ohm_cm: float = DEFAULT_RA_OHM_CM,
    cm_uF_cm2: float = DEFAULT_CM_UF_CM2,
    tags: tuple[str, ...] = ("axon",),
) -> Morphology:
    """One unbranched cylinder (um), e.g. the Rallpack 1 and 3 axon."""
    return Morphology([Section(name, length_um, diam_um, nseg=nseg, Ra_ohm_cm=Ra_ohm_cm, cm_uF_cm2=cm_uF_cm2, tags=tags)])


def soma_dendrites_axon(
    *,
    soma_diam_um: float = 20.0,
    n_dendrites: int = 2,
    dendrite_length_um: float = 200.0,
    dendrite_diam_um: float = 2.0,
    axon_length_um: float = 1000.0,
    axon_diam_um: float = 1.0,
    Ra_ohm_cm: float = DEFAULT_RA_OHM_CM,
    cm_uF_cm2: float = DEFAULT_CM_UF_CM2,
) -> Morphology:
    """A cylindrical soma (length = diameter) with dendrites at its 0 end and an axon at its 1 end.

    Sections are tagged "soma", "dend" and "axon" for placing mechanisms.
    """
    check_positive("soma_diam_um", soma_diam_um, "um")
    n = check_int("n_dendrites", n_dendrites, 0, 1000)
    secs = [Section("soma", soma_diam_um, soma_diam_um, Ra_ohm_cm=Ra_ohm_cm, cm_uF_cm2=cm_uF_cm2, nseg=1, tags=("soma",))]
    for i in range(n):
        secs.append(
            Section(f"dend{i}", dendrite_length_um, dendrite_diam_um, parent="soma", parent_x=0.0,
                    Ra_ohm_cm=Ra_ohm_cm, cm_uF_cm2=cm_uF_cm2, tags=("dend",))
        )
    secs.append(
        Section("axon", axon_length_um, axon_diam_um, parent="soma", parent_x=1.0,
                Ra_ohm_cm=Ra_ohm_cm, cm_uF_cm2=cm_uF_cm2, tags=("axon",))
    )
    return Morphology(secs)


def binary_tree(
    depth: int,
    root_length_um: float,
    root_diam_um: float,
    *,
    length_factor: float = 2.0 ** (-1.0 / 3.0),
    diam_factor: float = 2.0 ** (-2.0 / 3.0),
    nseg: int | None = 1,
    Ra_ohm_cm: float = DEFAULT_RA_OHM_CM,
    cm_uF_cm2: float = DEFAULT_CM_UF_CM2,
    parent: str | None = None,
    parent_x: float = 1.0,
    prefix: str = "b",
    tags: tuple[str, ...] = ("dend",),
) -> list[Section]:
    """Sections of a binary tree of ``depth`` levels (2**depth - 1 sections).

    Section names are ``{prefix}{level}_{index}``; level 0 is the root. The
    defaults shrink diameter by 2**(-2/3) and length by 2**(-1/3) per level
    (Rall's 3/2 rule holds and each level has the same electrotonic length),
    as in Rallpack 2 (Bhalla, Bilitch & Bower 1992, Trends Neurosci 15:453).
    Returns a list so it can be attached to other sections; wrap in
    :class:`Morphology` for a tree on its own.
    """
    depth = check_int("depth", depth, 1, 20)
    check_positive("root_length_um", root_length_um, "um")
    check_positive("root_diam_um", root_diam_um, "um")
    check_positive("length_factor", length_factor)
    check_positive("diam_factor", diam_factor)
    secs: list[Section] = []
    for level in range(depth):
        L = root_length_um * length_factor**level
        d = root_diam_um * diam_factor**level
        for i in range(2**level):
            par = parent if level == 0 else f"{prefix}{level - 1}_{i // 2}"
            px = parent_x if level == 0 else 1.0
            secs.append(Section(f"{prefix}{level}_{i}", L, d, parent=par, parent_x=px, nseg=nseg,
                                Ra_ohm_cm=Ra_ohm_cm, cm_uF_cm2=cm_uF_cm2, tags=tags))
    return secs
