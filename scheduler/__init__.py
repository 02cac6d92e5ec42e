"""The tick: due task rows leased and run by the handler registered for their kind.

``runner.SchedulerService`` is the app component (APScheduler decides when to
look, the tasks table what is due); ``calendar`` keeps the next digest and
star-review rows, ``housekeeping`` prunes. What those tasks *do* (reminders,
digests, stale claims, star reviews) is domain code in ``bot.schedule`` and the
flows, registered on ``Deps.bus``; this package never imports it.
"""
