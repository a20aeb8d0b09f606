"""Serving lianzhao: the web server (gunicorn on Linux, waitress where gunicorn cannot run), the
background-job worker beside it, the supervisor that keeps both alive (`lianzhao serve`), and the
limit on concurrent heavy requests (PDF and Excel documents)."""
