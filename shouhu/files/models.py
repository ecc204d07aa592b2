"""An uploaded scan or photo, encrypted at rest.

An attachment has no scope of its own: it is reached only through the record that holds it (an
aid decision's evidence, a signed agreement, an event's photo), whose view checks the scope and
then answers with `shouhu.files.services.attachment_response`. The bytes live in the database,
encrypted with the field key (`shouhu.core.crypto`), so a backup holds them and a stolen disk or
dump does not show them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhu.core.crypto import SealedTokenField, decrypt_bytes, encrypt_bytes


class Attachment(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    token = SealedTokenField(editable=False)  # the Fernet token of the bytes (rotate-key's too)
    width = models.PositiveIntegerField(null=True, blank=True)  # images only
    height = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def read(self) -> bytes:
        return decrypt_bytes(self.token.encode())

    def seal(self, data: bytes) -> None:
        self.token = encrypt_bytes(data).decode()
