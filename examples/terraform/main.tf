# Release AMIs are shared with the accounts of var.release_accounts.
variable "release_accounts" {
  type    = list(string)
  default = ["444455556666", "777788889999"]
}

variable "ami_id" {
  type = string
}

resource "aws_ami_launch_permission" "release" {
  for_each   = toset(var.release_accounts)
  image_id   = var.ami_id
  account_id = each.value
}
