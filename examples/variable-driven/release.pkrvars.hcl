release   = true
ami_users = ["444455556666"]
