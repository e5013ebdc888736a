#!/usr/bin/env bash
# make frontend: install the pinned npm packages, compile the styles, copy what is served.
set -euo pipefail
cd "$(dirname "$0")"
out=../src/iomhub/web/static/vendor
npm install --no-audit --no-fund --silent
npx sass --load-path=node_modules --load-path=. --style=compressed --quiet-deps --no-source-map \
  govuk.scss "$out/govuk-frontend/govuk-frontend.min.css"
npx sass --load-path=node_modules --load-path=. --style=compressed --quiet-deps --no-source-map \
  --silence-deprecation=import moj.scss "$out/moj-frontend/moj-frontend.min.css" 2>/dev/null
# MoJ's components name the GOV.UK font; no @font-face is shipped, but drop the name anyway.
sed -i 's/"GDS Transport",//g' "$out/moj-frontend/moj-frontend.min.css"
mkdir -p "$out/govuk-frontend/assets/images" "$out/moj-frontend/assets/images"
cp node_modules/govuk-frontend/dist/govuk/assets/images/{favicon.ico,favicon.svg} "$out/govuk-frontend/assets/images/" 2>/dev/null || true
cp node_modules/@ministryofjustice/frontend/moj/assets/images/*.svg "$out/moj-frontend/assets/images/"
cp node_modules/govuk-frontend/package.json "$out/govuk-frontend/VERSION.json"
cp node_modules/@ministryofjustice/frontend/package.json "$out/moj-frontend/VERSION.json"
cp node_modules/axe-core/axe.min.js ../tests/web/browser/axe.min.js
echo "vendored GOV.UK Frontend $(node -p 'require("./node_modules/govuk-frontend/package.json").version') and MoJ Frontend $(node -p 'require("./node_modules/@ministryofjustice/frontend/package.json").version')"
