#!/usr/bin/env bash
# Vendor the front-end libraries into donghanh/static/vendor/ so that the app
# never needs a CDN or npm at run time. Run via `make vendor` (or directly).
#
# Versions are pinned in package.json / package-lock.json. To upgrade: edit
# package.json, run `npm install`, then re-run this script and commit the
# result (package.json, package-lock.json and donghanh/static/vendor/).
#
# Idempotent: the vendor directory is wiped and recreated on every run
# (including its README.md, which is generated below).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

NM="$ROOT/node_modules"
VENDOR="$ROOT/donghanh/static/vendor"

npm ci --no-audit --no-fund

pkg_version() {
    node -p "require('$NM/$1/package.json').version"
}
pkg_license() {
    node -p "require('$NM/$1/package.json').license"
}

rm -rf "$VENDOR"
mkdir -p "$VENDOR/bootstrap/css" "$VENDOR/bootstrap/js" "$VENDOR/htmx" \
         "$VENDOR/bootstrap-icons/fonts" "$VENDOR/chartjs" "$VENDOR/tom-select" \
         "$VENDOR/vanillajs-datepicker/locales"

# --- Bootstrap -------------------------------------------------------------
cp "$NM/bootstrap/dist/css/bootstrap.min.css" \
   "$NM/bootstrap/dist/css/bootstrap.min.css.map" \
   "$VENDOR/bootstrap/css/"
cp "$NM/bootstrap/dist/js/bootstrap.bundle.min.js" \
   "$NM/bootstrap/dist/js/bootstrap.bundle.min.js.map" \
   "$VENDOR/bootstrap/js/"
cp "$NM/bootstrap/LICENSE" "$VENDOR/bootstrap/LICENSE"
# bootstrap.bundle.min.js includes Popper (MIT) but its minified header only
# carries Bootstrap's notice, so ship Popper's licence alongside.
cp "$NM/@popperjs/core/LICENSE.md" "$VENDOR/bootstrap/LICENSE-popper.md"

# --- htmx ------------------------------------------------------------------
cp "$NM/htmx.org/dist/htmx.min.js" "$VENDOR/htmx/"
cp "$NM/htmx.org/LICENSE" "$VENDOR/htmx/LICENSE"

# --- Bootstrap Icons -------------------------------------------------------
cp "$NM/bootstrap-icons/font/bootstrap-icons.min.css" "$VENDOR/bootstrap-icons/"
cp "$NM/bootstrap-icons/font/fonts/bootstrap-icons.woff" \
   "$NM/bootstrap-icons/font/fonts/bootstrap-icons.woff2" \
   "$VENDOR/bootstrap-icons/fonts/"
cp "$NM/bootstrap-icons/LICENSE" "$VENDOR/bootstrap-icons/LICENSE"

# --- Chart.js --------------------------------------------------------------
# The UMD build defines window.Chart and bundles @kurkle/color (MIT): ship its
# licence alongside.
cp "$NM/chart.js/dist/chart.umd.min.js" \
   "$NM/chart.js/dist/chart.umd.min.js.map" \
   "$VENDOR/chartjs/"
cp "$NM/chart.js/LICENSE.md" "$VENDOR/chartjs/LICENSE.md"
cp "$NM/@kurkle/color/LICENSE.md" "$VENDOR/chartjs/LICENSE-kurkle-color.md"

# --- Tom Select --------------------------------------------------------------
# Searchable multi-selects of the list filters. The "popular" build holds the
# remove_button plugin (a tap removes a choice on a phone) and bundles
# @orchidjs/sifter and @orchidjs/unicode-variants (Apache-2.0): ship the
# licence that one of them has as a file; sifter's is named in the README.
cp "$NM/tom-select/dist/js/tom-select.popular.min.js" \
   "$NM/tom-select/dist/js/tom-select.popular.min.js.map" \
   "$NM/tom-select/dist/css/tom-select.bootstrap5.min.css" \
   "$NM/tom-select/dist/css/tom-select.bootstrap5.min.css.map" \
   "$VENDOR/tom-select/"
cp "$NM/tom-select/LICENSE" "$VENDOR/tom-select/LICENSE"
cp "$NM/@orchidjs/unicode-variants/LICENSE" "$VENDOR/tom-select/LICENSE-unicode-variants"

# --- vanillajs-datepicker ------------------------------------------------------
# The calendar behind the date fields' calendar button. Chosen over
# air-datepicker because it has no dependencies, ships a Vietnamese locale and
# a Bootstrap 5 stylesheet, and builds its markup without inline styles or
# eval (it only sets element.style properties, which the CSP allows); it is
# used as an inline calendar, so typing in the field is left alone.
cp "$NM/vanillajs-datepicker/dist/js/datepicker.min.js" "$VENDOR/vanillajs-datepicker/"
cp "$NM/vanillajs-datepicker/dist/js/locales/vi.js" "$VENDOR/vanillajs-datepicker/locales/"
cp "$NM/vanillajs-datepicker/dist/css/datepicker-bs5.min.css" "$VENDOR/vanillajs-datepicker/"
cp "$NM/vanillajs-datepicker/LICENSE" "$VENDOR/vanillajs-datepicker/LICENSE"

# --- Source maps -----------------------------------------------------------
# ManifestStaticFilesStorage's collectstatic fails if a file names a
# sourceMappingURL that does not exist. Copy any referenced map that is
# missing (looked up next to the original in node_modules), and fail if one
# cannot be found.
declare -A ORIGIN=(
    ["bootstrap/css/bootstrap.min.css"]="bootstrap/dist/css"
    ["bootstrap/js/bootstrap.bundle.min.js"]="bootstrap/dist/js"
    ["htmx/htmx.min.js"]="htmx.org/dist"
    ["bootstrap-icons/bootstrap-icons.min.css"]="bootstrap-icons/font"
    ["chartjs/chart.umd.min.js"]="chart.js/dist"
    ["tom-select/tom-select.popular.min.js"]="tom-select/dist/js"
    ["tom-select/tom-select.bootstrap5.min.css"]="tom-select/dist/css"
    ["vanillajs-datepicker/datepicker.min.js"]="vanillajs-datepicker/dist/js"
    ["vanillajs-datepicker/datepicker-bs5.min.css"]="vanillajs-datepicker/dist/css"
)
for rel in "${!ORIGIN[@]}"; do
    file="$VENDOR/$rel"
    # Only the last sourceMappingURL comment counts; data: URIs need no file.
    map="$(grep -o 'sourceMappingURL=[^ *"'"'"']*' "$file" | tail -n 1 | cut -d= -f2- || true)"
    [ -z "$map" ] && continue
    case "$map" in data:*) continue ;; esac
    dest="$(dirname "$file")/$map"
    if [ ! -f "$dest" ]; then
        src="$NM/${ORIGIN[$rel]}/$map"
        if [ -f "$src" ]; then
            cp "$src" "$dest"
        else
            echo "error: $rel references missing source map $map" >&2
            exit 1
        fi
    fi
done

# --- README ----------------------------------------------------------------
BOOTSTRAP_V="$(pkg_version bootstrap)"
HTMX_V="$(pkg_version htmx.org)"
ICONS_V="$(pkg_version bootstrap-icons)"
CHARTJS_V="$(pkg_version chart.js)"
TOMSELECT_V="$(pkg_version tom-select)"
DATEPICKER_V="$(pkg_version vanillajs-datepicker)"

cat > "$VENDOR/README.md" <<README
# Vendored front-end libraries

These files are copied from npm packages so that the application never needs
a CDN or npm at run time. **Do not edit them by hand.**

| Library | npm package | Version | Licence | Files |
|---|---|---|---|---|
| Bootstrap | \`bootstrap\` | $BOOTSTRAP_V | $(pkg_license bootstrap) (\`bootstrap/LICENSE\`) | \`bootstrap/css/bootstrap.min.css\` (+ \`.map\`), \`bootstrap/js/bootstrap.bundle.min.js\` (+ \`.map\`, includes Popper) |
| htmx | \`htmx.org\` | $HTMX_V | $(pkg_license htmx.org) (\`htmx/LICENSE\`) | \`htmx/htmx.min.js\` |
| Bootstrap Icons | \`bootstrap-icons\` | $ICONS_V | $(pkg_license bootstrap-icons) (\`bootstrap-icons/LICENSE\`) | \`bootstrap-icons/bootstrap-icons.min.css\`, \`bootstrap-icons/fonts/bootstrap-icons.woff\`, \`bootstrap-icons/fonts/bootstrap-icons.woff2\` |
| Chart.js | \`chart.js\` | $CHARTJS_V | $(pkg_license chart.js) (\`chartjs/LICENSE.md\`) | \`chartjs/chart.umd.min.js\` (+ \`.map\`) |
| Tom Select | \`tom-select\` | $TOMSELECT_V | $(pkg_license tom-select) (\`tom-select/LICENSE\`) | \`tom-select/tom-select.popular.min.js\` (+ \`.map\`), \`tom-select/tom-select.bootstrap5.min.css\` (+ \`.map\`) |
| vanillajs-datepicker | \`vanillajs-datepicker\` | $DATEPICKER_V | $(pkg_license vanillajs-datepicker) (\`vanillajs-datepicker/LICENSE\`) | \`vanillajs-datepicker/datepicker.min.js\`, \`vanillajs-datepicker/locales/vi.js\`, \`vanillajs-datepicker/datepicker-bs5.min.css\` |

\`bootstrap.bundle.min.js\` includes Popper (\`@popperjs/core\` $(pkg_version @popperjs/core),
$(pkg_license @popperjs/core)); its licence is in \`bootstrap/LICENSE-popper.md\`.
\`chart.umd.min.js\` includes \`@kurkle/color\` $(pkg_version @kurkle/color) ($(pkg_license @kurkle/color)); its
licence is in \`chartjs/LICENSE-kurkle-color.md\`.
\`tom-select.popular.min.js\` includes \`@orchidjs/sifter\` $(pkg_version @orchidjs/sifter) ($(pkg_license @orchidjs/sifter); its
package ships no licence file) and \`@orchidjs/unicode-variants\` $(pkg_version @orchidjs/unicode-variants)
($(pkg_license @orchidjs/unicode-variants), \`tom-select/LICENSE-unicode-variants\`).

## Why these

- **Tom Select** turns the list filters' \`<select multiple>\` into a searchable box
  (\`data-searchable-select\`, \`donghanh/core/static/donghanh/inputs.js\`); the "popular" build
  carries the remove button a phone needs. Without JavaScript the native list works as before.
- **vanillajs-datepicker** draws the calendar behind every date field's calendar button
  (\`data-datepicker\`). It has no dependencies, a Vietnamese locale (\`locales/vi.js\`) and a
  Bootstrap 5 stylesheet, and it works under the site's Content Security Policy: its markup has
  no inline styles and it never evaluates code (it only sets \`element.style\` properties, which
  the policy allows). air-datepicker was the alternative: no Vietnamese locale, no licence file
  in its package. The calendar is shown inline in a drop-down, never bound to the field's
  keyboard, so a date typed on a phone's number pad (\`06122026\`) is left for the server to read.

## Refreshing

The versions are pinned exactly in \`package.json\` / \`package-lock.json\` at the
repository root. To refresh or upgrade:

1. (upgrade only) change the version in \`package.json\` and run \`npm install\`;
2. run \`make vendor\` (which runs \`scripts/vendor-assets.sh\`); the script wipes
   and recreates this directory, including this README;
3. commit \`package.json\`, \`package-lock.json\` and \`donghanh/static/vendor/\`.
README

echo "Vendored bootstrap $BOOTSTRAP_V, htmx.org $HTMX_V, bootstrap-icons $ICONS_V, chart.js $CHARTJS_V," \
     "tom-select $TOMSELECT_V, vanillajs-datepicker $DATEPICKER_V into ${VENDOR#"$ROOT"/}"
