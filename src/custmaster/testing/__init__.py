"""Test support for custmaster and for code built on it.

`custmaster.testing.strategies` has hypothesis strategies for single values (resident IDs,
phones, plates …) and whole domain objects (customers, policies, source records …);
`custmaster.testing.plugin` is the pytest plugin. They need the ``testing`` extra
(``pip install 'custmaster[testing]'``). Nothing in the library imports this package.
"""
