variable "organization_arn" {
  type    = string
  default = "arn:aws:organizations::111122223333:organization/o-exampleorg1"
}

variable "extra_accounts" {
  type    = list(string)
  default = ["444455556666"]
}

locals {
  platform_ou = "arn:aws:organizations::111122223333:ou/o-exampleorg1/ou-ab12-cd34ef56"
  # An OU in someone else's organization: not approved by the policy.
  partner_ou  = "arn:aws:organizations::999988887777:ou/o-partnerorg9/ou-zz99-yy88xx77"
}
