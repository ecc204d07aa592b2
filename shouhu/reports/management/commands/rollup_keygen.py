"""`shouhu rollup-keygen PRIVATE.pem PUBLIC.pem`: a province's Ed25519 key pair for signing
its roll-ups. The private key stays on the province's server (SHOUHU_ROLLUP_SIGNING_KEY_FILE);
the public key goes to the national instance as <province code>.pem in
SHOUHU_ROLLUP_TRUSTED_KEYS_DIR (issue 18)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shouhu.reports.rollup.signing import keypair_write


class Command(BaseCommand):
    help = "生成省级签名密钥对（Ed25519）：私钥留在本省服务器，公钥交全国实例。"

    def add_arguments(self, parser):
        parser.add_argument("private", help="私钥输出文件（PEM，权限600）")
        parser.add_argument("public", help="公钥输出文件（PEM），在全国实例上命名为 省代码.pem")

    def handle(self, *args, private, public, **options):
        private_path, public_path = Path(private), Path(public)
        for path in (private_path, public_path):
            if path.exists():
                raise CommandError(f"{path} 已存在：不覆盖已有密钥。")
        key_id = keypair_write(private_path, public_path)
        self.stdout.write(
            f"已生成密钥对（公钥编号 {key_id}）：私钥 {private_path}，公钥 {public_path}"
        )
