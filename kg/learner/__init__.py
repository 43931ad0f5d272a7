"""The learner's app: search topics, pick a goal, mark what you know, follow the plan.

One self-contained HTML page (:func:`kg.learner.site.page`) holding the app's code, its
styles and the graph's data (:func:`kg.learner.data.app_data`) as JSON. ``kg serve``
answers it at ``/`` and ``kg publish DIR`` writes it, with the dumps, as a static site
that works from ``file://``. Progress (known and skipped topics) stays in the browser's
storage and moves to and from the CLI's profile (:mod:`kg.profile`) as a JSON file.

The plan is computed in the browser by ``static/plan.js``, which mirrors
:func:`kg.algorithms.paths.learning_plan` with :mod:`kg.plan`'s ordering; the tests run
both on the same questions and require the same answer.
"""
