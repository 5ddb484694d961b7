from django.apps import AppConfig
from django.db.models.signals import pre_save


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = "平台"

    def ready(self) -> None:
        from portal.core.hygiene import guard_lengths

        # Text longer than a CharField allows is a clear error, never a DataError (see hygiene).
        pre_save.connect(guard_lengths, dispatch_uid="portal.core.hygiene.guard_lengths")
