"""Offline capture (issue 19): the teacher's phone keeps a small copy of the worklist and an
outbox of records made without a signal, uploaded when the connection returns.

- `selectors`: the copy that goes to the phone (the minimum: name, class, guardian, village,
  due items), and the classes whose roll call the phone may take.
- `services`: the upload of an outbox batch, each record through care's or schooling's own
  service, idempotent by the id the phone gave it.
- `views`: the sync and upload endpoints, the offline page (the app shell), the service worker
  and the web manifest.

The conflict rules are in docs/offline.md.
"""
