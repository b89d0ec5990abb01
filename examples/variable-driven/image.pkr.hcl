# Whether this AMI is public depends on how the build is run: the release pipeline passes
# -var release=true. amiguard says it may be public, and what decides it.
variable "release" {
  type = bool
}

variable "ami_users" {
  type    = list(string)
  default = []
}

locals {
  ami_groups = var.release ? ["all"] : []
}

source "amazon-ebs" "tool" {
  region        = "us-east-1"
  instance_type = "t3.micro"
  source_ami    = "ami-0abcdef1234567890"
  ssh_username  = "ubuntu"
  ami_name      = "acme-tool"

  ami_groups = local.ami_groups
  ami_users  = var.ami_users
}

build {
  sources = ["source.amazon-ebs.tool"]
}
