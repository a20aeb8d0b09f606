"""Static files go out as an installation serves them: hashed names, compressed, cached for a year —
collected by `lianzhao migrate` / `serve` (core/staticfiles.ensure_collected) only when they changed."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import override_settings
from django.urls import reverse

from lianzhao.core import staticfiles


def test_pages_name_hashed_files_served_compressed_with_long_cache_lifetimes(client, personas):
    client.force_login(personas["leader"])
    body = client.get(reverse("dashboard")).content.decode()
    css = re.search(r'href="(/static/lianzhao/app\.[0-9a-f]{12}\.css)"', body).group(1)
    script = re.search(r'src="(/static/vendor/echarts/echarts\.min\.[0-9a-f]{12}\.js)"', body).group(1)
    assert re.search(r'rel="icon" href="/static/lianzhao/favicon\.[0-9a-f]{12}\.svg"', body)
    for url in (css, script):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate")
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert "immutable" in response["Cache-Control"] and "max-age=315360000" in response["Cache-Control"]
    plain = client.get(script)  # a client that does not accept gzip gets the file itself
    assert "Content-Encoding" not in plain
    compressed = client.get(script, HTTP_ACCEPT_ENCODING="gzip")
    assert int(compressed["Content-Length"]) < int(plain["Content-Length"]) / 2  # echarts.min.js: 1 MB → 0.33 MB


def test_static_files_are_collected_again_only_when_they_changed(tmp_path):
    source = tmp_path / "src"
    (source / "lianzhao").mkdir(parents=True)
    rules = "".join(f".c{i} {{ color: #123; }}\n" for i in range(200))  # long enough to be worth compressing
    (source / "lianzhao" / "app.css").write_text(rules)
    finders = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    with override_settings(STATICFILES_DIRS=[source], STATIC_ROOT=tmp_path / "static", STATICFILES_FINDERS=finders):
        assert staticfiles.ensure_collected() is True
        assert staticfiles.ensure_collected() is False  # nothing changed: nothing done
        (source / "lianzhao" / "app.css").write_text(rules + "body { color: #456; }")
        assert staticfiles.ensure_collected() is True
        hashed = [p.name for p in (tmp_path / "static" / "lianzhao").iterdir()]
        assert any(re.fullmatch(r"app\.[0-9a-f]{12}\.css\.gz", name) for name in hashed)


def test_a_file_left_uncollected_is_linked_by_its_plain_name_and_still_served(client, personas, tmp_path, caplog):
    # STATIC_ROOT empty (never collected, or lost): pages still render, and the files they name come
    # from the package, so the installation keeps working until the next `lianzhao migrate`.
    client.force_login(personas["leader"])
    with override_settings(STATIC_ROOT=tmp_path / "empty"), caplog.at_level("WARNING", logger="lianzhao.static"):
        response = client.get(reverse("dashboard"))
        assert response.status_code == 200
        body = response.content.decode()
        assert 'href="/static/lianzhao/app.css"' in body
        assert 'src="/static/vendor/echarts/echarts.min.js"' in body
        served = client.get("/static/lianzhao/app.css")
        assert served.status_code == 200 and b"".join(served.streaming_content if served.streaming else [served.content])
    assert "lianzhao/app.css" in caplog.text and "lianzhao migrate" in caplog.text
    with pytest.raises(ValueError):  # a name that is no file at all stays a mistake, collected or not
        staticfiles_storage.url("lianzhao/no-such-file.css")
