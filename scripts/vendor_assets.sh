#!/bin/sh
# Copy the pinned NHS.UK frontend from node_modules into static/vendor (run after `npm ci`).
set -eu
SRC=node_modules/nhsuk-frontend/dist/nhsuk
DST=static/vendor/nhsuk-frontend
rm -rf "$DST"
mkdir -p "$DST"
cp "$SRC"/nhsuk-frontend.min.css "$SRC"/nhsuk-frontend.min.js "$DST/"
cp -r "$SRC/assets" "$DST/assets"
node -p 'require("nhsuk-frontend/package.json").version' > "$DST/VERSION"
