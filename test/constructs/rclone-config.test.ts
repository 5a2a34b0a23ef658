import { Testing } from "cdktf";
import { RcloneConfig, RCLONE_CONF_PATH } from "../../constructs/rclone";

const props = {
  koofr: { user: "bob@example.com", endpoint: "https://dav.example.org/", password: { env: "K_PW" } },
  remotePath: "shelf/enc",
  crypt: { password: { env: "C_PW" }, salt: { env: "C_SALT" } },
};

describe("RcloneConfig, built alone from plain props", () => {
  const rclone = new RcloneConfig(Testing.app(), "Rclone", props);
  const text = rclone.file.content;

  test("asks for exactly its three secrets, by their own names, and writes none of them", () => {
    expect(rclone.secrets).toEqual([{ env: "K_PW" }, { env: "C_PW" }, { env: "C_SALT" }]);
    expect(text).not.toMatch(/^password/m);
    expect(text).toContain("#   password  ← K_PW (obscured at start into RCLONE_CONFIG_KOOFR_PASSWORD)\n");
    expect(text).toContain("#   password2 ← C_SALT (obscured at start into RCLONE_CONFIG_BACKUP_PASSWORD2)\n");
  });

  test("the storage remote at the given server, the crypt remote over the given folder, at rclone/rclone.conf", () => {
    expect(rclone.file.path).toBe(RCLONE_CONF_PATH);
    expect(text).toContain(`[${RcloneConfig.STORAGE}]\ntype = koofr\nprovider = other\nendpoint = https://dav.example.org/\nuser = bob@example.com\n`);
    expect(text).toContain(`[${RcloneConfig.CRYPT}]\ntype = crypt\nremote = koofr:shelf/enc\n`);
  });
});
