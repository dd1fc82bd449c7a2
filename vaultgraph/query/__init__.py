"""Questions asked of a vault graph: stats, backlinks, links, explain, diff and path."""

from vaultgraph.query import diff_formats as diff_formats  # loaded for query.diff_formats
from vaultgraph.query.backlinks import Mention, MentionReport, incoming, outgoing
from vaultgraph.query.diff import GraphDiff, compare
from vaultgraph.query.errors import QueryError
from vaultgraph.query.explain import Explanation, explain_link
from vaultgraph.query.notes import find_note
from vaultgraph.query.path import Chain, Hop, shortest_chain
from vaultgraph.query.snapshot import Snapshot, at_revision, check_revision, working_tree
from vaultgraph.query.stats import VaultStats, vault_stats

__all__ = [
    "Chain",
    "Explanation",
    "GraphDiff",
    "Hop",
    "Mention",
    "MentionReport",
    "QueryError",
    "Snapshot",
    "VaultStats",
    "at_revision",
    "check_revision",
    "compare",
    "explain_link",
    "find_note",
    "incoming",
    "outgoing",
    "shortest_chain",
    "vault_stats",
    "working_tree",
]
