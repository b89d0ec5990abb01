# A community base image that the team publishes on purpose. The policy in
# examples/amiguard.yaml has a public-exception for AMIs named "acme-public-base-*";
# its snapshots, though, are made public too, which no exception covers.
packer {
  required_plugins {
    amazon = {
      source  = "github.com/hashicorp/amazon"
      version = "~> 1"
    }
  }
}

source "amazon-ebs" "public_base" {
  region        = "us-east-1"
  instance_type = "t3.micro"
  source_ami    = "ami-0abcdef1234567890"
  ssh_username  = "ec2-user"
  ami_name      = "acme-public-base-2026-11"

  ami_groups      = ["all"]
  snapshot_groups = ["all"]
}

build {
  sources = ["source.amazon-ebs.public_base"]
}
