"""Background work: uploads too large to check or import within a web request.

The state of every job is on its Upload row (``job_state`` queued -> running -> done / failed, progress,
heartbeat, the request and the result), so it survives the restart of any process and every web
instance can show it. What wakes a worker up is either the database itself (``sharing worker`` polls the
queued rows; the default, one machine) or a Celery task on Redis (``REDIS_URL`` set; several machines).
Either way a worker claims a job with one conditional UPDATE, so a job delivered twice runs once.

    queue.py   - queue an upload, claim a job, heartbeats, abandoned jobs
    run.py     - run one claimed job: the importer as the account that queued it
    worker.py  - the ``sharing worker`` loop (polling), and the Celery worker when REDIS_URL is set
    celery_app.py - the Celery application and its one task
"""
