"""valuegraph's test suite (a package, so that same-named test modules in different folders
and the folders named like our packages, ``tests/autograd`` and ``tests/nn``, never shadow
the real ``autograd`` and ``nn`` packages)."""
