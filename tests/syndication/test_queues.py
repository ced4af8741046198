"""Deliveries never wait behind indexing and imports: their tasks are on their own queue, and
the processes ``make run`` starts serve each queue with its own worker (issue 15)."""

import re
from pathlib import Path

from django.conf import settings
from wagtail.tasks import update_reference_index_task

from syndication.pull.tasks import poll_source_task
from syndication.push.tasks import push
from syndication.tasks import dispatch
from syndication.webhooks.tasks import deliver, drain_endpoint

PROCFILE = Path(__file__).resolve().parents[2] / "Procfile"


def test_fan_out_and_deliveries_are_on_the_delivery_queue():
    assert settings.KANAL_DELIVERY_QUEUE != "default"
    for task in (dispatch, drain_endpoint, deliver, push):
        assert task.queue_name == settings.KANAL_DELIVERY_QUEUE, task.name


def test_indexing_and_imports_stay_on_default():
    assert update_reference_index_task.queue_name == "default"
    assert poll_source_task.queue_name == "default"


def test_make_run_gives_each_queue_its_own_worker():
    served = [
        re.search(r"--queue-name (\S+)", line).group(1).split(",")
        for line in PROCFILE.read_text().splitlines()
        if " worker " in line and not line.startswith("#")
    ]
    assert sorted(served) == sorted([[name] for name in settings.KANAL_TASK_QUEUES])
