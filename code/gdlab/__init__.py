"""gdlab: the shared library of the course *Gradient descent for deep learning*.

Importing gdlab changes no global state (no matplotlib style, no seeds, no
torch settings). Submodules are imported explicitly::

    from gdlab import calculus, optim, surfaces
"""

__version__ = "0.1.0"
