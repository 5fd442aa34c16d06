"""What the quiz API's views share: the largest id a client may send. (The `Link` header to a
list's next page is studyflow.paging's, shared with the roster's list.)"""

from __future__ import annotations

MAX_ID = 2**63 - 1
