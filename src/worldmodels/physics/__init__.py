"""Part 2, the Physicist's Road: simulators you can read, differentiate and learn.

    integrators.py          explicit, semi-implicit and symplectic steps, and their energy drift
    sysid.py                mass, friction, restitution and gravity recovered by gradient descent
    pymunk_reality.py       an independent engine as "reality": the sim-to-real gap
    residual.py             the engine plus a learned correction (a hybrid model)
    interaction_network.py  a learned simulator that passes messages between disks
    hamiltonian.py          a network that learns the energy, so it conserves it

The world these run on is `worldmodels.world`. Submodules are imported by name:
`from worldmodels.physics import sysid`.
"""
