#!/usr/bin/env python3
"""Writes a synthetic Terraform root module of N files (default 500) for benchmarks.

Each file holds a mix of the resources real AWS stacks have (S3 with the v4 split resources,
security groups, instances, IAM policies, EBS volumes with count, RDS) using variables, locals,
string templates, functions, for_each and jsonencode'd policies, half of them misconfigured.
Deterministic: the same N gives the same files.
"""
import os
import sys

TEMPLATE = '''
locals {{
  name_{i}  = "${{var.prefix}}-{i}"
  tags_{i}  = merge(var.tags, {{ Index = "{i}", Name = upper(local.name_{i}) }})
  ports_{i} = {{ ssh = 22, https = 443 }}
}}

resource "aws_s3_bucket" "b{i}" {{
  bucket = "${{local.name_{i}}}-data"
  tags   = local.tags_{i}
}}

resource "aws_s3_bucket_versioning" "b{i}" {{
  bucket = aws_s3_bucket.b{i}.id
  versioning_configuration {{
    status = {versioning}
  }}
}}

resource "aws_s3_bucket_public_access_block" "b{i}" {{
  bucket                  = aws_s3_bucket.b{i}.id
  block_public_acls       = true
  block_public_policy     = {bpp}
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_security_group" "sg{i}" {{
  name        = "sg-{i}"
  description = "group {i}"
  vpc_id      = var.vpc_id
  dynamic "ingress" {{
    for_each = local.ports_{i}
    content {{
      description = ingress.key
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [{cidr}]
    }}
  }}
}}

resource "aws_instance" "i{i}" {{
  ami           = data.aws_ami.base.id
  instance_type = var.instance_type
  subnet_id     = element(var.subnets, {i})
  metadata_options {{
    http_tokens = {tokens}
  }}
  root_block_device {{
    encrypted = {enc}
  }}
  tags = local.tags_{i}
}}

resource "aws_ebs_volume" "v{i}" {{
  count             = 2
  availability_zone = format("%s%s", var.region, element(["a", "b"], count.index))
  size              = 10 * (count.index + 1)
  encrypted         = {enc}
}}

resource "aws_iam_policy" "p{i}" {{
  name = "policy-{i}"
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect   = "Allow"
      Action   = [{action}]
      Resource = {resource}
    }}]
  }})
}}

resource "aws_db_instance" "db{i}" {{
  identifier          = "db-{i}"
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  storage_encrypted   = {enc}
  publicly_accessible = {public}
  deletion_protection = true
  backup_retention_period = 7
}}
'''

HEADER = '''
variable "prefix" { default = "bench" }
variable "region" { default = "eu-west-1" }
variable "instance_type" { default = "t3.micro" }
variable "vpc_id" {}
variable "subnets" { default = ["subnet-1", "subnet-2", "subnet-3"] }
variable "tags" {
  default = { Owner = "bench", Env = "test" }
}
data "aws_ami" "base" {
  most_recent = true
  owners      = ["amazon"]
}
'''


def main() -> None:
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "variables.tf"), "w") as f:
        f.write(HEADER)
    for i in range(n - 1):
        bad = i % 2 == 0
        with open(os.path.join(out, f"stack_{i:03d}.tf"), "w") as f:
            f.write(TEMPLATE.format(
                i=i,
                versioning='"Suspended"' if bad else '"Enabled"',
                bpp="false" if bad else "true",
                cidr='"0.0.0.0/0"' if bad else '"10.0.0.0/8"',
                tokens='"optional"' if bad else '"required"',
                enc="false" if bad else "true",
                action='"*"' if bad else '"s3:GetObject"',
                resource='"*"' if bad else f'"arn:aws:s3:::bench-{i}-data/*"',
                public="true" if bad else "false",
            ))


if __name__ == "__main__":
    main()
