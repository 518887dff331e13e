"""Cinder's fake volume driver, able to make a volume from an image and to extend one.

The fake driver shipped in python3-cinder inherits the LVM driver's
copy_image_to_volume, which runs qemu-img into a /dev/mapper device that does
not exist, so a volume made from an image (what a server booted from a volume
of its image needs) goes to "error". Nothing is stored by the fake driver, so
there is nothing to copy: the volume keeps the image's metadata and is usable.
Likewise its extend goes through the LVM driver to a fake volume group that
lacks extend_volume, so an extend ends in "error_extending"; with no data kept
there is nothing to grow, and Cinder records the new size itself.
"""

from cinder.tests import fake_driver


class NoImageCopyFakeDriver(fake_driver.FakeLoggingVolumeDriver):
    """FakeLoggingVolumeDriver whose image copy writes nothing."""

    def copy_image_to_volume(self, context, volume, image_service, image_id):
        """Accept the image: the fake backend keeps no data."""
        return None

    def extend_volume(self, volume, new_size):
        """Accept the new size: the fake backend keeps no data to grow."""
        return None
