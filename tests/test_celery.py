"""The Celery application's configuration: tasks survive a dying worker, and the broker fits
the environment."""

from kombu import Connection

from localdigital.celery import app, broker_options


class TestCeleryApp:
    def test_acknowledges_tasks_late_and_gives_them_back_when_a_worker_dies(self):
        """A killed worker loses no task; each is written to run twice safely instead."""
        assert app.conf.task_acks_late is True
        assert app.conf.task_reject_on_worker_lost is True

    def test_takes_one_task_at_a_time_per_worker_process(self):
        """With late acknowledgement, prefetching more would hold tasks a free worker could run."""
        assert app.conf.worker_prefetch_multiplier == 1


class TestBrokerOptions:
    def test_uses_redis_when_redis_url_is_set(self, settings):
        settings.REDIS_URL = "redis://redis.invalid:6379/3"

        options = broker_options()

        assert options["broker_url"] == "redis://redis.invalid:6379/3"
        # Redelivered after 30 minutes unacknowledged: longer than the longest email retry.
        # A Redis that stops answering is given up on after the socket timeouts in settings.
        assert options["broker_transport_options"] == {
            "visibility_timeout": 30 * 60,
            "socket_connect_timeout": settings.REDIS_SOCKET_CONNECT_TIMEOUT,
            "socket_timeout": settings.REDIS_SOCKET_TIMEOUT,
        }
        assert options["broker_connection_timeout"] == settings.REDIS_SOCKET_CONNECT_TIMEOUT

    def test_uses_the_filesystem_transport_in_the_broker_folder_when_redis_url_is_empty(
        self, settings, tmp_path
    ):
        """Without Redis, `make run` still has a real broker: files in CELERY_BROKER_DIR."""
        settings.REDIS_URL = ""
        settings.CELERY_BROKER_DIR = tmp_path / "broker"

        options = broker_options()

        assert options["broker_url"].startswith("filesystem://")
        transport = options["broker_transport_options"]
        queue = tmp_path / "broker" / "queue"
        assert transport["data_folder_in"] == transport["data_folder_out"] == str(queue)
        assert transport["processed_folder"] == str(tmp_path / "broker" / "processed")
        assert queue.is_dir()
        assert (tmp_path / "broker" / "processed").is_dir()
        # The worker looks for tasks ten times a second, not kombu's once (see broker_options).
        assert transport["polling_interval"] == 0.1

    def test_keeps_the_filesystem_transports_exchange_table_in_the_broker_folder(
        self, settings, tmp_path
    ):
        """kombu would otherwise write ./control in whatever folder the process started in."""
        settings.REDIS_URL = ""
        settings.CELERY_BROKER_DIR = tmp_path / "broker"

        transport = broker_options()["broker_transport_options"]

        assert transport["control_folder"] == str(tmp_path / "broker" / "control")
        assert (tmp_path / "broker" / "control").is_dir()

    def test_publishes_through_the_filesystem_transport_without_writing_to_the_working_folder(
        self, settings, tmp_path, monkeypatch
    ):
        """A message published and read back leaves the exchange table in the broker folder."""
        settings.REDIS_URL = ""
        settings.CELERY_BROKER_DIR = tmp_path / "broker"
        working = tmp_path / "elsewhere"
        working.mkdir()
        monkeypatch.chdir(working)
        options = broker_options()

        with Connection(
            options["broker_url"], transport_options=options["broker_transport_options"]
        ) as connection:
            queue = connection.SimpleQueue("tests-celery-control")
            queue.put({"hello": "world"})
            assert queue.get(timeout=1).payload == {"hello": "world"}
            queue.close()

        assert list(working.iterdir()) == []
        assert any((tmp_path / "broker" / "control").iterdir())
