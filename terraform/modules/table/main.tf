# One DynamoDB table of the topology: on-demand, its keys, its global and local secondary indexes, its stream and TTL.

variable "name" {
  description = "Deployed table name (already prefixed)."
  type        = string
}

variable "partition_key" {
  type = object({ name = string, type = string })
}

variable "sort_key" {
  type    = object({ name = string, type = string })
  default = null
}

variable "global_secondary_indexes" {
  description = "Index name → keys and projection."
  type = map(object({
    partition_key      = object({ name = string, type = string })
    sort_key           = optional(object({ name = string, type = string }))
    projection         = string
    non_key_attributes = list(string)
  }))
  default = {}
}

variable "local_secondary_indexes" {
  description = "Index name → sort key and projection (the partition key is the table's)."
  type = map(object({
    sort_key           = object({ name = string, type = string })
    projection         = string
    non_key_attributes = list(string)
  }))
  default = {}
}

variable "stream_view_type" {
  description = "KEYS_ONLY | NEW_IMAGE | OLD_IMAGE | NEW_AND_OLD_IMAGES, or null for no stream."
  type        = string
  default     = null
}

variable "ttl_attribute" {
  type    = string
  default = null
}

variable "point_in_time_recovery" {
  type    = bool
  default = false
}

locals {
  key_attributes = concat(
    [var.partition_key],
    var.sort_key == null ? [] : [var.sort_key],
    flatten([for index in values(var.global_secondary_indexes) : concat(
      [index.partition_key],
      index.sort_key == null ? [] : [index.sort_key],
    )]),
    [for index in values(var.local_secondary_indexes) : index.sort_key],
  )
  # DynamoDB wants every key attribute declared once.
  attribute_types = { for attribute in local.key_attributes : attribute.name => attribute.type... }
}

resource "aws_dynamodb_table" "this" {
  name         = var.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = var.partition_key.name
  range_key    = try(var.sort_key.name, null)

  dynamic "attribute" {
    for_each = local.attribute_types
    content {
      name = attribute.key
      type = attribute.value[0]
    }
  }

  dynamic "global_secondary_index" {
    for_each = var.global_secondary_indexes
    content {
      name               = global_secondary_index.key
      hash_key           = global_secondary_index.value.partition_key.name
      range_key          = try(global_secondary_index.value.sort_key.name, null)
      projection_type    = global_secondary_index.value.projection
      non_key_attributes = global_secondary_index.value.projection == "INCLUDE" ? global_secondary_index.value.non_key_attributes : null
    }
  }

  dynamic "local_secondary_index" {
    for_each = var.local_secondary_indexes
    content {
      name               = local_secondary_index.key
      range_key          = local_secondary_index.value.sort_key.name
      projection_type    = local_secondary_index.value.projection
      non_key_attributes = local_secondary_index.value.projection == "INCLUDE" ? local_secondary_index.value.non_key_attributes : null
    }
  }

  stream_enabled   = var.stream_view_type != null
  stream_view_type = var.stream_view_type

  dynamic "ttl" {
    for_each = var.ttl_attribute == null ? [] : [var.ttl_attribute]
    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  lifecycle {
    precondition {
      condition     = length(var.local_secondary_indexes) == 0 || var.sort_key != null
      error_message = "Table ${var.name}: local secondary indexes need the table to have a sort key."
    }
    precondition {
      condition     = alltrue([for name, types in local.attribute_types : length(distinct(types)) == 1])
      error_message = "Table ${var.name}: a key attribute is declared with two different types."
    }
  }
}

output "name" {
  value = aws_dynamodb_table.this.name
}

output "arn" {
  value = aws_dynamodb_table.this.arn
}

output "stream_arn" {
  value = var.stream_view_type == null ? null : aws_dynamodb_table.this.stream_arn
}

output "table" {
  description = "The table resource (for tests)."
  value       = aws_dynamodb_table.this
}
