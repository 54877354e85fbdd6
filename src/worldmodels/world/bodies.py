"""The bodies of a step's contacts, renumbered, and the complex-number algebra the solver uses.

Shapes: B worlds, N disks, C contacts, K bodies that take part in a contact.

Vectors are complex numbers here: (x, y) is x + iy. For a unit normal n, multiplying a
velocity by conj(n) rotates it into the contact's frame, normal component in the real part,
tangential in the imaginary part; multiplying (normal + i tangential) by n rotates back.
"""
from __future__ import annotations

from typing import NamedTuple

import torch
from torch import Tensor

from .contacts import Contacts
from .state import Params


def as_complex(x: Tensor) -> Tensor:
    """(..., 2) real vectors -> (...) complex numbers x + iy."""
    return torch.view_as_complex(x.contiguous())


class Links(NamedTuple):
    """Some of the contacts, by their bodies: what a pass needs to read and push them."""

    part: slice              # which contacts of Bodies.contacts
    a: Tensor                # (C_part,) rows of the pushed bodies
    b: Tensor                # (C_part,) rows of the bodies they touch
    normal_conj: Tensor      # (C_part,) complex: multiplying by it rotates into the contact frame
    response_a: Tensor       # (C_part,) complex: a's change of velocity per unit impulse
    response_b: Tensor       # (C_part,) complex: minus b's change of velocity per unit impulse


class Bodies:
    """The bodies that take part in at least one contact, renumbered as rows 0..K-1.

    Solving on these K rows, rather than on every disk of every world, keeps each pass as
    cheap as the few contacts themselves. The rows keep the order of the flat body table
    (contacts.py): first the disks, then the hands, then the static world. Disks have inverse
    mass 1/m; the hand and the static world have 0 (nothing can push them), which is all it
    takes to make the hand an infinitely heavy pusher.

    contacts:   the same contacts, with a and b renumbered into these rows
    inv_mass:   (K,) 1/kg
    inv_mass_a, inv_mass_b: (C,) 1/kg of each contact's two bodies
    """

    def __init__(self, contacts: Contacts, params: Params):
        B, N = params.mass.shape
        with torch.no_grad():
            used = torch.zeros(B * N + B + 1, dtype=torch.bool, device=params.mass.device)
            used[contacts.a] = True
            used[contacts.b] = True
            rows = used.nonzero().squeeze(1)                                # (K,) sorted
            local = used.cumsum(0) - 1                                      # (R,)
            a, b = local.index_select(0, contacts.a), local.index_select(0, contacts.b)
            num_disks = int(torch.searchsorted(rows, B * N))                # disk rows come first
            num_hands = int(torch.searchsorted(rows, B * N + B)) - num_disks
            self.disk_rows = rows[:num_disks]                               # into (B * N,)
            self.hand_rows = rows[num_disks:num_disks + num_hands] - B * N  # into (B,)
            self.num_static = len(rows) - num_disks - num_hands             # 0 or 1
        self.contacts = contacts._replace(a=a, b=b)
        self.normal = contacts.normal                                       # (C,) complex
        self.normal_conj = contacts.normal.conj()
        inv_mass = (1.0 / params.mass).reshape(-1).index_select(0, self.disk_rows)
        self.inv_mass = torch.cat([inv_mass, inv_mass.new_zeros(len(rows) - num_disks)])   # (K,)
        self.inv_mass_a = self.inv_mass.index_select(0, a)                  # (C,) 1/kg
        self.inv_mass_b = self.inv_mass.index_select(0, b)
        self.unmovable_b = self.inv_mass_b == 0                             # (C,) hand or static
        # A unit impulse along the normal changes a's velocity by normal/m_a, b's by -normal/m_b.
        response_a, response_b = self.normal * self.inv_mass_a, self.normal * self.inv_mass_b
        self.all = Links(slice(None), a, b, self.normal_conj, response_a, response_b)
        # Contacts between bodies come first, contacts with the static world last (contacts.py
        # lists them in that order). Iterative passes solve the two groups one after the other.
        num_pairs = int((contacts.b < B * N + B).sum())
        parts = (slice(0, num_pairs), slice(num_pairs, len(a)))
        self.groups = [Links(part, *(t[part] for t in self.all[1:])) for part in parts
                       if part.stop > part.start]

    def gather(self, disks: Tensor, hand: Tensor | None = None) -> Tensor:
        """These bodies' complex vectors (K,) from the disks' (B, N) and the hand's (B,)."""
        parts = [disks.reshape(-1).index_select(0, self.disk_rows)]
        parts.append(disks.new_zeros(len(self.hand_rows)) if hand is None
                     else hand.index_select(0, self.hand_rows))
        parts.append(disks.new_zeros(self.num_static))
        return torch.cat(parts)

    def put(self, disks: Tensor, values: Tensor, add: bool = False) -> Tensor:
        """The disks' vectors (B, N) with these bodies' rows replaced by (or added) values (K,)."""
        flat, values = disks.reshape(-1), values[:len(self.disk_rows)]
        flat = flat.index_add(0, self.disk_rows, values) if add else flat.index_copy(
            0, self.disk_rows, values)
        return flat.view(disks.shape)

    def relative(self, v: Tensor, links: "Links | None" = None) -> Tensor:
        """Velocity of a relative to b in each contact's frame (C,): real normal, imag tangential.

        links: which contacts (one of self.groups), by default all of them.
        """
        links = links or self.all
        return (v.index_select(0, links.a) - v.index_select(0, links.b)) * links.normal_conj

    def apply(self, v: Tensor, push: Tensor, links: "Links | None" = None) -> Tensor:
        """v (K,) after each contact's push (N s; real normal, imag tangential) acts on a and b."""
        links = links or self.all
        v = v.index_add(0, links.a, push * links.response_a)
        return v.index_add(0, links.b, push * links.response_b, alpha=-1)

    def split_inverse_mass(self, flags: Tensor) -> Tensor:
        """(C,) 1/kg: each contact's inverse mass under mass splitting.

        A body in k flagged contacts (C,) of a group lends each of them 1/k of its mass
        (Tonge, Benevolenskiy & Voroshilov, "Mass splitting for jitter-free parallel rigid
        body simulation", 2012). Groups are solved one after the other, so k counts within
        the contact's own group.
        """
        parts = []
        for links in self.groups:
            f = flags[links.part]
            count = f.new_zeros(len(self.inv_mass)).index_add(0, links.a, f)
            count = count.index_add(0, links.b, f).clamp(min=1)              # (K,)
            parts.append(count.index_select(0, links.a) * self.inv_mass_a[links.part]
                         + count.index_select(0, links.b) * self.inv_mass_b[links.part])
        return torch.cat(parts) if parts else flags
