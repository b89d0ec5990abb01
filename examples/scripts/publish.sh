#!/bin/sh
# Makes a release AMI public when the pipeline says so.
set -eu
AMI_ID="$1"
if [ "${PUBLISH:-false}" = true ]; then
  aws ec2 modify-image-attribute --image-id "$AMI_ID" --launch-permission "Add=[{Group=all}]"
fi
