# Every SQS queue of the topology, then the redrive policies that tie a queue to its dead-letter queue (a
# resource of their own, so a queue and its DLQ need no particular creation order) and, on each DLQ, the
# redrive-allow policy naming the queues that may use it.

variable "queues" {
  description = "Topology queue name → deployed queue."
  type = map(object({
    name                        = string
    fifo                        = bool
    visibility_timeout          = number
    message_retention_period    = optional(number)
    receive_wait_time           = optional(number)
    content_based_deduplication = bool
    dead_letter_queue           = optional(string) # topology queue name
    max_receive_count           = number
  }))
}

variable "redrive_allow_policy" {
  description = "Put a RedriveAllowPolicy (byQueue) on each dead-letter queue. Off against moto, which hangs on it."
  type        = bool
  default     = true
}

resource "aws_sqs_queue" "this" {
  for_each                    = var.queues
  name                        = each.value.name
  fifo_queue                  = each.value.fifo ? true : null
  content_based_deduplication = each.value.fifo ? each.value.content_based_deduplication : null
  visibility_timeout_seconds  = each.value.visibility_timeout
  message_retention_seconds   = each.value.message_retention_period
  receive_wait_time_seconds   = each.value.receive_wait_time
  sqs_managed_sse_enabled     = true
}

locals {
  redriven = { for name, queue in var.queues : name => queue if queue.dead_letter_queue != null }
  sources_by_dlq = {
    for name, queue in local.redriven : queue.dead_letter_queue => name...
  }
}

resource "aws_sqs_queue_redrive_policy" "this" {
  for_each  = local.redriven
  queue_url = aws_sqs_queue.this[each.key].id
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.this[each.value.dead_letter_queue].arn
    maxReceiveCount     = each.value.max_receive_count
  })
}

resource "aws_sqs_queue_redrive_allow_policy" "this" {
  for_each  = var.redrive_allow_policy ? local.sources_by_dlq : {}
  queue_url = aws_sqs_queue.this[each.key].id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [for source in each.value : aws_sqs_queue.this[source].arn]
  })
}

output "arns" {
  description = "Topology queue name → ARN."
  value       = { for name, queue in aws_sqs_queue.this : name => queue.arn }
}

output "urls" {
  description = "Topology queue name → URL, once the redrive policies are set: a queue policy set at the same time can be lost (seen on moto)."
  value       = { for name, queue in aws_sqs_queue.this : name => queue.id }
  depends_on  = [aws_sqs_queue_redrive_policy.this, aws_sqs_queue_redrive_allow_policy.this]
}

output "names" {
  description = "Topology queue name → deployed name."
  value       = { for name, queue in aws_sqs_queue.this : name => queue.name }
}

output "queues" {
  description = "Queue resources by topology name (for tests)."
  value       = aws_sqs_queue.this
}

output "redrive_policies" {
  description = "Topology queue name → its redrive policy, decoded."
  value       = { for name, policy in aws_sqs_queue_redrive_policy.this : name => jsondecode(policy.redrive_policy) }
}

output "redrive_allow_policies" {
  description = "Topology DLQ name → its redrive-allow policy, decoded."
  value       = { for name, policy in aws_sqs_queue_redrive_allow_policy.this : name => jsondecode(policy.redrive_allow_policy) }
}
