# The way we mean to share: with our organization and one OU, plus accounts per build.
source "amazon-ebs" "app" {
  region        = "eu-west-1"
  instance_type = "t3.small"
  source_ami    = "ami-0abcdef1234567890"
  ssh_username  = "ec2-user"
  ami_name      = "acme-app-{{timestamp}}"
  ami_regions   = ["eu-west-1", "us-east-1"]

  encrypt_boot = true
  kms_key_id   = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

  ami_org_arns = [var.organization_arn]
  ami_ou_arns  = [local.platform_ou, local.partner_ou]
}

build {
  # Production shares with the accounts in var.extra_accounts and one more.
  source "amazon-ebs.app" {
    name      = "prod"
    ami_users = concat(var.extra_accounts, ["777788889999"])
  }

  # Staging shares with a test account.
  source "amazon-ebs.app" {
    name      = "staging"
    ami_users = ["444455556666", "123456789012"]
  }
}
