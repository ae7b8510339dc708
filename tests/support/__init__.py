"""What the tests share: builders of plans, workbooks and workspaces, fillers of templates, and the
data and helpers more than one test module uses. Test modules import from here (``from
support.filling import fill``; ``tests/`` is on ``sys.path`` through the root conftest), never from
one another."""
