using FineTune.Trainer.Storage;

namespace FineTune.Trainer.Tests.Storage;

public sealed class StorageUriTests
{
    [Theory]
    [InlineData("s3://models/gpt2/", "models", "gpt2/")]
    [InlineData("s3://runs/a/b/c.bin", "runs", "a/b/c.bin")]
    [InlineData("s3://my.bucket-1", "my.bucket-1", "")]
    public void S3_uris_split_into_bucket_and_key(string text, string bucket, string key)
    {
        var uri = StorageUri.Parse(text);

        Assert.True(uri.IsS3);
        Assert.Equal(bucket, uri.Bucket);
        Assert.Equal(key, uri.Key);
        Assert.Equal($"s3://{bucket}/{key}", uri.ToString());
    }

    [Fact]
    public void File_uris_and_plain_paths_become_absolute_local_paths()
    {
        Assert.Equal("/data/train.jsonl", StorageUri.Parse("file:///data/train.jsonl").Key);
        Assert.Equal("/data/my file", StorageUri.Parse("file:///data/my%20file").Key);
        Assert.Equal(Path.GetFullPath("relative/dir") + "/", StorageUri.Parse("relative/dir/").Key);
        Assert.Equal(StorageScheme.Local, StorageUri.Parse("/abs/path").Scheme);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("http://host/x", "scheme 'http'")]
    [InlineData("s3://UPPER/x", "bucket 'UPPER'")]
    [InlineData("s3://ab/x", "bucket 'ab'")]
    public void Bad_uris_are_rejected_with_what_is_accepted(string text, string named)
    {
        var error = Assert.Throws<ArgumentException>(() => StorageUri.Parse(text));

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void Append_and_relative_path_are_inverse()
    {
        var prefix = StorageUri.Parse("s3://runs/job/checkpoints");
        var child = prefix.Append("step-10/model.safetensors");

        Assert.Equal("job/checkpoints/step-10/model.safetensors", child.Key);
        Assert.Equal("step-10/model.safetensors", prefix.RelativePathOf(child));
        Assert.Equal("model.safetensors", child.Name);
        Assert.Throws<ArgumentException>(() => prefix.RelativePathOf(StorageUri.Parse("s3://runs/other/x")));
    }
}
