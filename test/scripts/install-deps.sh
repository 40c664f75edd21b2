#!/usr/bin/env bash
# Installs the Debian packages pono's tests and demo use, only when missing.
set -euo pipefail
need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
command -v git >/dev/null 2>&1 || need+=(git)
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
# Signed-commit tests: gpg signs through gpg-agent; gpgconf stops the agent.
command -v gpg >/dev/null 2>&1 || need+=(gpg)
command -v gpg-agent >/dev/null 2>&1 || need+=(gpg-agent)
command -v gpgconf >/dev/null 2>&1 || need+=(gpgconf)
# The web page's browser tests drive Debian's chromium headless (chromedp)
# and firefox-esr headless (WebDriver BiDi).
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/firefox-esr ] || need+=(firefox-esr)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
