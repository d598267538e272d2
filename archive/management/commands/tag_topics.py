"""manage.py tag_topics: re-run automatic topic tagging over the archive."""

from django.core.management.base import BaseCommand, CommandError

from archive.models import Topic
from archive.topics import tag_turns


class Command(BaseCommand):
    help = (
        "Tag turns with the topics whose phrases they contain, and remove automatic tags that "
        "no longer match. Curators' tags and rejections are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "topics", nargs="*", metavar="TOPIC", help="topic names or slugs (default: all)"
        )

    def handle(self, *args, **options):
        names = options["topics"]
        topics = None
        if names:
            topics = []
            for name in names:
                topic = (
                    Topic.objects.filter(slug=name).first()
                    or Topic.objects.filter(name__iexact=name).first()
                )
                if topic is None:
                    raise CommandError(f"no topic named {name!r}")
                topics.append(topic)
        result = tag_turns(topics=topics)
        self.stdout.write(str(result))
