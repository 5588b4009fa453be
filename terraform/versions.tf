terraform {
  # 1.7: mock providers in `terraform test`; 1.5: check blocks; 1.4: terraform_data.
  required_version = ">= 1.7.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60.0, < 6.0.0"
    }
  }
}

provider "aws" {
  region = local.region

  default_tags {
    tags = {
      Project = var.name_prefix
      Stage   = var.stage
    }
  }
}
