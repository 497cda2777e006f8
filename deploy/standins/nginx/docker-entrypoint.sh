#!/bin/bash
# As the official image: each /etc/nginx/templates/*.template becomes /etc/nginx/conf.d/*, with only the variables
# set in the environment substituted (nginx's own $variables stay as they are).
set -euo pipefail

shopt -s nullglob
defined=$(printf '${%s} ' $(env | cut -d= -f1))
for template in /etc/nginx/templates/*.template; do
  target=/etc/nginx/conf.d/$(basename "$template" .template)
  envsubst "$defined" <"$template" >"$target"
  echo "nginx: $template -> $target"
done
exec "$@"
